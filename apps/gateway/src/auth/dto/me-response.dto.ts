import { ApiProperty } from '@nestjs/swagger';
import { USER_ROLES, type UserRole } from '@ivoryos/db';

export class MeResponse {
  @ApiProperty({ enum: ['user', 'key'] }) kind!: 'user' | 'key';
  @ApiProperty({ description: 'User id or API key id' }) id!: string;
  @ApiProperty({ description: 'Username or API key name' }) name!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ nullable: true, type: String, description: 'The deck an API key is limited to' }) deck!: string | null;
}
