import { describeTillJourney } from './till-journey';

describeTillJourney('mysql');
