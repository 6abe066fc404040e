import { describeRechargeJourney } from './recharge-journey';

describeRechargeJourney('mysql');
