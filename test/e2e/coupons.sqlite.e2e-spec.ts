import { describeCouponJourney } from './coupons-journey';

describeCouponJourney('sqlite');
