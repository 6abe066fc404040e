import { describeCheckinJourney } from './checkin-journey';

describeCheckinJourney('mysql');
