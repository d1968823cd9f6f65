import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsJWT, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { UserResponse } from './user.dto';

export class LoginDto {
  @ApiProperty({ maxLength: 50, example: 'admin' })
  @IsString()
  @Length(1, 50)
  username!: string;

  @ApiProperty({ maxLength: 200, format: 'password' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refreshToken of a login or an earlier refresh' })
  @IsString()
  @MaxLength(4096)
  @IsJWT({ message: 'refreshToken must be a token this API issued' })
  refreshToken!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Also revoke this refresh token (a script signing out)' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  @IsJWT({ message: 'refreshToken must be a token this API issued' })
  refreshToken?: string;

  @ApiPropertyOptional({ description: "Revoke every token and session of this user, on every device", default: false })
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}

export class TokenResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' }) accessToken!: string;
  @ApiProperty({ description: 'Trade for new tokens at POST /api/auth/refresh' }) refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds the access token is valid', example: 900 }) expiresIn!: number;
  @ApiProperty({ description: 'Seconds the refresh token is valid', example: 604800 }) refreshExpiresIn!: number;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}
