import { describeCampaignsJourney } from './campaigns-journey';

describeCampaignsJourney('mysql');
