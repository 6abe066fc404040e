import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Brand } from './brand.entity';

@Injectable()
export class BrandsRepository {
  constructor(private readonly db: DataSource) {}

  byAppid(appid: string): Promise<Brand | null> {
    return this.db.getRepository(Brand).findOneBy({ wechatAppid: appid });
  }

  byId(id: string): Promise<Brand | null> {
    return this.db.getRepository(Brand).findOneBy({ id });
  }
}
