import { describeRfmJourney } from './rfm-journey';

describeRfmJourney('sqlite');
