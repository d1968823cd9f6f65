import { Injectable, type PipeTransform } from '@nestjs/common';
import { BadInput } from '../common/domain-errors';
import { USERNAME_PATTERN, USERNAME_RULE } from './dto/user.dto';

/** The `:username` path parameter; answers 400 naming it. */
@Injectable()
export class UsernameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!USERNAME_PATTERN.test(value)) throw BadInput.field('username', USERNAME_RULE);
    return value;
  }
}
