import { COMPLAINT_EVENT_SCHEMA_VERSIONS, upcastComplaintEvent } from '@qms/complaint-domain';
import { DELIVERY_EVENT_SCHEMA_VERSIONS, upcastDeliveryEvent } from '@qms/delivery-domain';
import { RETURN_EVENT_SCHEMA_VERSIONS, upcastReturnEvent } from '@qms/return-domain';
import { SURVEY_EVENT_SCHEMA_VERSIONS, upcastSurveyEvent } from '@qms/survey-domain';
import { PARKING_EVENT_SCHEMA_VERSIONS, upcastParkingEvent } from '@qms/projection-engine';
import { EventCatalogue } from './event-catalogue';

/** Every context of the product, for the API, the CLI, the projections and the audit views. */
export function defaultEventCatalogue(): EventCatalogue {
  return new EventCatalogue([
    {
      versions: COMPLAINT_EVENT_SCHEMA_VERSIONS,
      upcast: (type, version, data) => upcastComplaintEvent(type, version, data as Readonly<Record<string, unknown>>).data,
    },
    { versions: RETURN_EVENT_SCHEMA_VERSIONS, upcast: upcastReturnEvent },
    { versions: DELIVERY_EVENT_SCHEMA_VERSIONS, upcast: upcastDeliveryEvent },
    { versions: SURVEY_EVENT_SCHEMA_VERSIONS, upcast: upcastSurveyEvent },
    // Admins' decisions to let a projection go past an event it cannot apply (audit history).
    { versions: PARKING_EVENT_SCHEMA_VERSIONS, upcast: upcastParkingEvent },
  ]);
}
