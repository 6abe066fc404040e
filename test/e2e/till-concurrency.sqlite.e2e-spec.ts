import { describeTillConcurrency } from './till-concurrency';

describeTillConcurrency('sqlite');
