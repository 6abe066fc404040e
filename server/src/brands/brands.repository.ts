import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import { Brand } from './brand.entity';

@Injectable()
export class BrandsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  byAppid(appid: string): Promise<Brand | null> {
    return this.uow.reader.getRepository(Brand).findOneBy({ wechatAppid: appid });
  }

  byId(id: string): Promise<Brand | null> {
    return this.uow.reader.getRepository(Brand).findOneBy({ id });
  }
}
