import { describeTillJourney } from './till-journey';

describeTillJourney('sqlite');
