import { Module } from '@nestjs/common';
import { AsOfController } from './as-of/as-of.controller';
import { AuditTrail } from './audit-trail';
import { ComplaintExporter } from './export/complaint-export';
import { ExportController } from './export/export.controller';
import { HistoryController } from './history/history.controller';
import { VerifyController } from './verify/verify.controller';

/** DESIGN §9: history, as-of, tamper evidence and the 8D export; reads only, never appends. */
@Module({
  controllers: [HistoryController, AsOfController, VerifyController, ExportController],
  providers: [AuditTrail, ComplaintExporter],
})
export class AuditModule {}
