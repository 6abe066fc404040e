import { describeCouponJourney } from './coupons-journey';

describeCouponJourney('mysql');
