import { describeSmsChannel } from './sms-journey';

describeSmsChannel('sqlite');
