import { describeWalletJourney } from './wallet-journey';

describeWalletJourney('sqlite');
