import { describeTillSearch } from './till-search';

describeTillSearch('mysql');
