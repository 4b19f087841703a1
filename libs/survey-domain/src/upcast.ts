import { SURVEY_EVENT_SCHEMA_VERSIONS, isSurveyEventType } from './events';

/**
 * Lifts a stored payload of an older schema version to the current shape. Every survey event is
 * still at version 1, so there is nothing to lift yet; a v2 adds a step here, keyed by type and
 * version, and the type name stays the same.
 */
export function upcastSurveyEvent(type: string, version: number, data: unknown): unknown {
  if (!isSurveyEventType(type)) throw new Error(`Unknown survey event type ${type}`);
  const current = SURVEY_EVENT_SCHEMA_VERSIONS[type];
  if (!Number.isInteger(version) || version < 1 || version > current) {
    throw new Error(`${type} v${version} cannot be read: current version is ${current}`);
  }
  return data;
}
