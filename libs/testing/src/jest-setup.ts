// Jest's global setup runs MikroORM in the parent realm; metadata cached there holds Maps from
// another realm, which breaks discovery in test files (mikro-orm#3783). Start each file clean.
import { MetadataStorage } from '@mikro-orm/core';

MetadataStorage.clear();
