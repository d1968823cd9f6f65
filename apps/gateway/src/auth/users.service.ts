import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '@ivoryos/db';
import { AuditLog, type AuditAuthor } from '../audit/audit-log';
import { Conflict, NotFound } from '../common/domain-errors';
import type { CreateUserDto, UpdateUserDto, UserListResponse, UserResponse } from './dto/user.dto';
import { hashPassword } from './passwords';
import { toUserResponse } from './user-mapping';

@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditLog,
  ) {}

  async create(dto: CreateUserDto, author: AuditAuthor): Promise<UserResponse> {
    if (await this.em.count(User, { username: dto.username })) {
      throw new Conflict(`User '${dto.username}' already exists`, [{ path: 'username', message: `'${dto.username}' is taken` }]);
    }
    const user = this.em.create(User, { username: dto.username, role: dto.role, passwordHash: await hashPassword(dto.password) });
    this.audit.record(this.em, author, { action: 'user.create', target: dto.username, details: { role: dto.role } });
    await this.em.persistAndFlush(user);
    return toUserResponse(user);
  }

  async list(): Promise<UserListResponse> {
    const users = await this.em.find(User, {}, { orderBy: { username: 'asc' } });
    return { items: users.map(toUserResponse), total: users.length };
  }

  async update(username: string, dto: UpdateUserDto, author: AuditAuthor): Promise<UserResponse> {
    const passwordHash = dto.password === undefined ? undefined : await hashPassword(dto.password);
    return this.em.fork().transactional(async (tx) => {
      const user = await tx.findOne(User, { username });
      if (!user) throw new NotFound('user', username, 'username');
      const losesAdmin = (dto.role !== undefined && dto.role !== 'admin') || dto.disabled === true;
      if (losesAdmin && user.role === 'admin' && !user.disabled) {
        // Locking every enabled admin serialises concurrent demotions: the second one waits,
        // then sees the first one's result and is refused if it would remove the last admin.
        const admins = await tx.find(User, { role: 'admin', disabled: false }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        const stillAdmin = admins.some((a) => a.id === user.id);
        if (stillAdmin && admins.length === 1) {
          throw new Conflict(`'${username}' is the last enabled admin; make another user admin first`, [
            { path: dto.disabled === true ? 'disabled' : 'role', message: 'would leave no enabled admin' },
          ]);
        }
      }
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.disabled !== undefined && dto.disabled !== user.disabled) {
        user.disabled = dto.disabled;
        // Tokens of a disabled user must not come back to life when it is enabled again.
        if (dto.disabled) user.tokenVersion += 1;
      }
      if (passwordHash !== undefined) {
        user.passwordHash = passwordHash;
        user.tokenVersion += 1;
      }
      this.audit.record(tx, author, {
        action: 'user.update', target: username,
        details: { ...(dto.role !== undefined ? { role: dto.role } : {}), ...(dto.disabled !== undefined ? { disabled: dto.disabled } : {}), passwordReset: dto.password !== undefined },
      });
      await tx.flush();
      return toUserResponse(user);
    });
  }
}
