import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { AsOfController } from './as-of/as-of.controller';
import { AuditTrail } from './audit-trail';
import { EightDFormController } from './eight-d-form/eight-d-form.controller';
import { ComplaintExporter } from './export/complaint-export';
import { ExportController } from './export/export.controller';
import { HistoryController } from './history/history.controller';
import { VerifyController } from './verify/verify.controller';

/** DESIGN §9: history, as-of, tamper evidence, the 8D export and the 8D report form; reads only, never appends. */
@Module({
  imports: [ComplaintsModule],
  controllers: [HistoryController, AsOfController, VerifyController, ExportController, EightDFormController],
  providers: [AuditTrail, ComplaintExporter],
})
export class AuditModule {}
