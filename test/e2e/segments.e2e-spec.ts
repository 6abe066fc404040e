import { describeSegmentsJourney } from './segments-journey';

describeSegmentsJourney('mysql');
