import { describePointsModel } from './points-model';

// MODEL_RUNS=200 for a longer hunt; CI runs a dozen sequences.
describePointsModel('mysql', Number(process.env.MODEL_RUNS ?? 12));
