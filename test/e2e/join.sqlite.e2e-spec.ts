import { describeJoinJourney } from './join-journey';

describeJoinJourney('sqlite');
