import { Foundation1764316800000 } from './1764316800000-Foundation';
import { Points1764403200000 } from './1764403200000-Points';
import { Ledger1795910400000 } from './1795910400000-Ledger';
import { ExactKeys1796083200000 } from './1796083200000-ExactKeys';
import { MemberCentre1796256000000 } from './1796256000000-MemberCentre';
import { TillSearch1796342400000 } from './1796342400000-TillSearch';
import { Coupons1796428800000 } from './1796428800000-Coupons';
import { Wallet1796515200000 } from './1796515200000-Wallet';
import { Checkin1796601600000 } from './1796601600000-Checkin';
import { Messages1796688000000 } from './1796688000000-Messages';
import { CheckinMakeUp1796774400000 } from './1796774400000-CheckinMakeUp';
import { Rfm1796860800000 } from './1796860800000-Rfm';
import { Sms1796947200000 } from './1796947200000-Sms';
import { Segments1797033600000 } from './1797033600000-Segments';
import { Campaigns1797120000000 } from './1797120000000-Campaigns';
import { CampaignChannels1797206400000 } from './1797206400000-CampaignChannels';
import { RfmStaging1797292800000 } from './1797292800000-RfmStaging';
import { RfmTargeted1797379200000 } from './1797379200000-RfmTargeted';

/** Every migration, in order. A new migration is added here and never edited once released. */
export const MIGRATIONS = [Foundation1764316800000, Points1764403200000, Ledger1795910400000, ExactKeys1796083200000, MemberCentre1796256000000, TillSearch1796342400000, Coupons1796428800000, Wallet1796515200000, Checkin1796601600000, Messages1796688000000, CheckinMakeUp1796774400000, Rfm1796860800000, Sms1796947200000, Segments1797033600000, Campaigns1797120000000, CampaignChannels1797206400000, RfmStaging1797292800000, RfmTargeted1797379200000];
