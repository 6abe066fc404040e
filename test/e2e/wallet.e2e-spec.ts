import { describeWalletJourney } from './wallet-journey';

describeWalletJourney('mysql');
