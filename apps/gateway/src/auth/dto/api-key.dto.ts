import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DECK_NAME_PATTERN } from '@ivoryos/contracts';
import { USER_ROLES, type UserRole } from '@ivoryos/db';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'LIMS import' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: USER_ROLES, description: 'What the key may do, as for a user with this role' })
  @IsIn(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')}` })
  role!: UserRole;

  @ApiPropertyOptional({ description: "Limit the key to this deck's routes and records (not with role admin)", example: 'abstract_sdl' })
  @IsOptional()
  @IsString()
  @Matches(DECK_NAME_PATTERN, { message: 'deck must be 1 to 64 letters, digits, _ or -' })
  deck?: string;
}

export class ApiKeyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The key's first characters, to recognise it", example: 'ivk_Xy3kP0aB' }) prefix!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ nullable: true, type: String }) deck!: string | null;
  @ApiProperty({ description: 'Who created the key' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class ApiKeyListResponse {
  @ApiProperty({ type: [ApiKeyResponse] }) items!: ApiKeyResponse[];
  @ApiProperty() total!: number;
}

/** The only answer that ever contains the key. */
export class ApiKeyCreatedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'Shown once: send as `Authorization: Bearer <key>`', example: 'ivk_...' }) key!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ nullable: true, type: String }) deck!: string | null;
  @ApiProperty() createdAt!: string;
}
