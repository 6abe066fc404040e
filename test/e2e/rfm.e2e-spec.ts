import { describeRfmJourney } from './rfm-journey';

describeRfmJourney('mysql');
