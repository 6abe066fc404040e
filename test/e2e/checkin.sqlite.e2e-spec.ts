import { describeCheckinJourney } from './checkin-journey';

describeCheckinJourney('sqlite');
