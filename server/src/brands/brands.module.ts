import { Module } from '@nestjs/common';
import { BrandsRepository } from './brands.repository';

/** Brands: the tenants, each with its mini-program. */
@Module({ providers: [BrandsRepository], exports: [BrandsRepository] })
export class BrandsModule {}
