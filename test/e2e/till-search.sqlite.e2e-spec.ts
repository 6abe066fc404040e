import { describeTillSearch } from './till-search';

describeTillSearch('sqlite');
