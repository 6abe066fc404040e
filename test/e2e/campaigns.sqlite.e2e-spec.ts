import { describeCampaignsJourney } from './campaigns-journey';

describeCampaignsJourney('sqlite');
