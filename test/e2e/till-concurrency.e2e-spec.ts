import { describeTillConcurrency } from './till-concurrency';

describeTillConcurrency('mysql');
