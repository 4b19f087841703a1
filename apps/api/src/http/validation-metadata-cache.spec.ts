import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, ValidateNested, getMetadataStorage, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { cacheValidationRuleLookups } from './validation-metadata-cache';

class Revision {
  @IsString() @MaxLength(10) revision!: string;
}

class Base {
  @IsString() description!: string;
}

class Planned extends Base {
  @IsInt() quantity!: number;
  @IsOptional() @IsString({ groups: ['strict'] }) owner?: string;
  @ValidateNested() @Type(() => Revision) pfmea!: Revision;
}

const OPTIONS: [string | undefined, boolean, boolean, string[] | undefined][] = [
  [undefined, false, false, undefined],
  [undefined, true, false, undefined],
  [undefined, false, true, undefined],
  [undefined, false, false, ['strict']],
  ['', false, true, ['strict']],
];

type MetadataStorage = ReturnType<typeof getMetadataStorage>;

/** A private storage holding the same rules as the process-wide one, for the uncached answers. */
function uncachedLookups(): MetadataStorage {
  const global = getMetadataStorage();
  const fresh = new (global.constructor as new () => MetadataStorage)();
  for (const target of [Revision, Base, Planned]) {
    for (const rule of global.getTargetValidationMetadatas(target, '', true, false)) if (rule.target === target) fresh.addValidationMetadata(rule);
  }
  return fresh;
}

describe('cacheValidationRuleLookups', () => {
  const storage = getMetadataStorage();
  const reference = uncachedLookups();
  beforeAll(() => cacheValidationRuleLookups());

  it('answers every lookup as class-validator does, own and inherited rules, for every set of options', () => {
    for (const target of [Revision, Base, Planned]) {
      for (const [schema, always, strictGroups, groups] of OPTIONS) {
        const cached = storage.getTargetValidationMetadatas(target, schema as string, always, strictGroups, groups);
        expect(cached).toEqual(reference.getTargetValidationMetadatas(target, schema as string, always, strictGroups, groups));
        expect(storage.groupByPropertyName(cached)).toEqual(reference.groupByPropertyName(cached));
      }
    }
  });

  it('looks up a class once per set of options', () => {
    const first = storage.getTargetValidationMetadatas(Planned, '', false, false, undefined);
    expect(storage.getTargetValidationMetadatas(Planned, '', false, false, undefined)).toBe(first);
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    expect(storage.getTargetValidationMetadatas(Planned, '', false, false, ['strict'])).not.toBe(first);
  });

  it('gives a class defined after its parent was looked up its own rules and the inherited ones', async () => {
    storage.getTargetValidationMetadatas(Base, '', false, false, undefined);
    class Later extends Base {
      @IsInt() count!: number;
    }
    const errors = await validate(plainToInstance(Later, { description: 7, count: 'x' }));
    expect(errors.map((error) => error.property).sort()).toEqual(['count', 'description']);
  });

  it('validates as before: nested rules, and a valid object passes', async () => {
    const bad = await validate(plainToInstance(Planned, { description: 'd', quantity: 1.5, pfmea: { revision: 'much too long' } }));
    expect(bad.map((error) => error.property).sort()).toEqual(['pfmea', 'quantity']);
    expect(await validate(plainToInstance(Planned, { description: 'd', quantity: 2, pfmea: { revision: 'R4' } }))).toEqual([]);
  });

  it('wraps the storage once, however many pipes are made', () => {
    const lookUp = storage.getTargetValidationMetadatas;
    cacheValidationRuleLookups();
    expect(storage.getTargetValidationMetadatas).toBe(lookUp);
  });
});
