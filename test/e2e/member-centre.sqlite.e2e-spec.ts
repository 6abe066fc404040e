import { describeMemberCentre } from './member-centre-journey';

describeMemberCentre('sqlite');
