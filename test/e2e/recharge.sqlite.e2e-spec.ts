import { describeRechargeJourney } from './recharge-journey';

describeRechargeJourney('sqlite');
