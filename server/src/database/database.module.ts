import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UnitOfWork } from './unit-of-work';

/**
 * The database, given to every module as the UnitOfWork: the only way to write, and the reader for
 * everything outside a transaction. The DataSource itself stays a provider of this module only, not
 * exported: tests and scripts reach it through the application (app.get) to inspect rows; feature
 * code cannot inject it (and eslint keeps it out of their imports).
 */
@Global()
@Module({
  providers: [
    {
      provide: UnitOfWork,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => UnitOfWork.open(config.database),
    },
    {
      provide: DataSource,
      inject: [UnitOfWork],
      useFactory: (uow: UnitOfWork) => uow.dataSource,
    },
  ],
  exports: [UnitOfWork],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(private readonly uow: UnitOfWork) {}

  async onApplicationShutdown(): Promise<void> {
    await this.uow.close();
  }
}
