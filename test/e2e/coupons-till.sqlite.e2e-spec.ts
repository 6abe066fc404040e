import { describeCouponTillJourney } from './coupons-till-journey';

describeCouponTillJourney('sqlite');
