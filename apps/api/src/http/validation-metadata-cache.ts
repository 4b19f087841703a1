import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Rules = ReturnType<Lookup>;

const CACHED = Symbol('qms.validationLookupsCached');

/**
 * class-validator looks up a class's rules on every validation by scanning every class that has
 * rules, for its ancestors (typestack/class-validator#2686): on this API's nested DTOs that lookup
 * and its grouping by property were a tenth of what a command request allocates. A class's rules
 * (its own and its ancestors') are all registered when it is defined, before anything can
 * validate an instance of it, so each class's rules are looked up once per set of options.
 * Callers only read what they are given. Idempotent: the storage is process-wide.
 */
export function cacheValidationRuleLookups(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [CACHED]?: true };
  if (marked[CACHED] === true) return;
  marked[CACHED] = true;

  const lookUp: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const byClass = new WeakMap<object, Map<string, Rules>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    let byOptions = byClass.get(target);
    if (byOptions === undefined) {
      byOptions = new Map();
      byClass.set(target, byOptions);
    }
    const options = JSON.stringify([schema ?? null, always, strictGroups, groups ?? null]);
    let rules = byOptions.get(options);
    if (rules === undefined) {
      rules = lookUp(target, schema, always, strictGroups, groups);
      byOptions.set(options, rules);
    }
    return rules;
  };

  const group = storage.groupByPropertyName.bind(storage);
  const grouped = new WeakMap<Rules, ReturnType<MetadataStorage['groupByPropertyName']>>();
  storage.groupByPropertyName = (rules) => {
    let byProperty = grouped.get(rules);
    if (byProperty === undefined) {
      byProperty = group(rules);
      grouped.set(rules, byProperty);
    }
    return byProperty;
  };
}
