import { describeJoinJourney } from './join-journey';

describeJoinJourney('mysql');
