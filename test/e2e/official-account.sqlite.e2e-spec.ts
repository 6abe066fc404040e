import { describeOfficialAccount } from './official-account-journey';

describeOfficialAccount('sqlite');
