import { describePointsModel } from './points-model';

describePointsModel('sqlite', 6);
