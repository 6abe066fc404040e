import { describeSegmentsJourney } from './segments-journey';

describeSegmentsJourney('sqlite');
