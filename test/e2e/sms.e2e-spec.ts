import { describeSmsChannel } from './sms-journey';

describeSmsChannel('mysql');
