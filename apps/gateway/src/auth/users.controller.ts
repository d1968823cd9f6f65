import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type AuthActor } from '../common/actor';
import { Access } from './access.decorator';
import { CreateUserDto, UpdateUserDto, UserListResponse, UserResponse } from './dto/user.dto';
import { UsernameParam } from './username.param';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@Access('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user (there is no self-signup)' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'The username is taken' })
  create(@Body() body: CreateUserDto, @CurrentActor() actor: AuthActor): Promise<UserResponse> {
    return this.users.create(body, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserListResponse })
  list(): Promise<UserListResponse> {
    return this.users.list();
  }

  @Patch(':username')
  @ApiOperation({ summary: "Change a user's role, disable or enable it, or reset its password" })
  @ApiOkResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'Would demote or disable the last enabled admin' })
  update(@Param('username', UsernameParam) username: string, @Body() body: UpdateUserDto, @CurrentActor() actor: AuthActor): Promise<UserResponse> {
    return this.users.update(username, body, actor);
  }
}
