import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { USER_ROLES, type UserRole } from '@ivoryos/db';
import { IsOmittable } from '../../common/validators';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,50}$/;
export const USERNAME_RULE = 'must be 1 to 50 letters, digits, ".", "_" or "-"';
const ROLE_RULE = `must be one of ${USER_ROLES.join(', ')}`;

export class CreateUserDto {
  @ApiProperty({ pattern: USERNAME_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: `username ${USERNAME_RULE}` })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 200, format: 'password' })
  @IsString()
  @Length(8, 200)
  password!: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES, { message: `role ${ROLE_RULE}` })
  role!: UserRole;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: USER_ROLES })
  @IsOmittable()
  @IsIn(USER_ROLES, { message: `role ${ROLE_RULE}` })
  role?: UserRole;

  @ApiPropertyOptional({ description: "Disabled users cannot sign in and their tokens stop working at once" })
  @IsOmittable()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: 8, maxLength: 200, format: 'password', description: "An admin's reset; ends the user's sessions" })
  @IsOmittable()
  @IsString()
  @Length(8, 200)
  password?: string;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ nullable: true, type: String }) lastLoginAt!: string | null;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
  @ApiProperty() total!: number;
}
