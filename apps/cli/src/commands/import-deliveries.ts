import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { CommandExecutor } from '@qms/command-handling';
import { CSV_ENCODINGS, csvEncodingOf, DELIVERY_COMMAND_ROLES } from '@qms/delivery-domain';
import { type Actor, NotFoundError } from '@qms/domain-kernel';
import { defaultEventCatalogue } from '@qms/event-catalogue';
import { ApiKeyAuthenticator } from '../../../api/src/auth/api-key.authenticator';
import { loadAppConfig } from '../../../api/src/config/app-config';
import {
  type DeliveryImportMode,
  type DeliveryImportProgress,
  type DeliveryImportReport,
  DeliveryImporter,
} from '../../../api/src/deliveries/delivery-importer';
import { RecordDeliveryBatchHandler } from '../../../api/src/deliveries/delivery.handlers';
import { deliveryImportSettings } from '../../../api/src/deliveries/import-settings';
import type { CliIo } from '../cli-io';
import { EXIT, UsageError } from '../exit-codes';
import type { CliCommand } from './command';

/**
 * DESIGN §6 bulk deliveries from the command line, through the same importer as
 * POST /deliveries/import: all-or-nothing by default, every bad line named, exit 1 when any row
 * was rejected. The actor is the owner of an API key, as over HTTP.
 */
export const importDeliveriesCommand: CliCommand = {
  name: 'import-deliveries',
  appendsEvents: true,
  summary:
    'Import deliveries from an ERP CSV export (all-or-nothing unless --good-rows; --validate writes nothing)',
  usage:
    '<file.csv> [--validate | --good-rows] [--encoding utf-8|gb18030|gbk] [--api-key <key>] [--json]   (or QMS_API_KEY; development defaults to dev-sales)',
  async run(args, { io, eventStore }) {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        validate: { type: 'boolean', default: false },
        'good-rows': { type: 'boolean', default: false },
        'api-key': { type: 'string' },
        encoding: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) throw new UsageError('import-deliveries takes one CSV file.');
    if (values.validate && values['good-rows'])
      throw new UsageError('Choose --validate or --good-rows, not both.');
    const mode: DeliveryImportMode = values.validate
      ? 'validate'
      : values['good-rows']
        ? 'good-rows'
        : 'all-or-nothing';

    const encoding = csvEncodingOf(values.encoding);
    if (encoding === undefined)
      throw new UsageError(`--encoding ${values.encoding ?? ''} is not one of ${CSV_ENCODINGS.join(', ')} (Chinese Excel saves gb18030).`);

    const config = loadAppConfig(io.env);
    const actor = authenticate(values['api-key'] ?? io.env['QMS_API_KEY'], config);
    const size = await stat(file).then(
      (found) => found.size,
      () => {
        throw new NotFoundError(`File ${file} cannot be read: give the path of the ERP's CSV export`);
      },
    );
    const store = await eventStore();
    const executor = new CommandExecutor(store, defaultEventCatalogue());
    // The API's handler for a batch, called without the bus: the CLI runs no Nest container.
    const batchHandler = new RecordDeliveryBatchHandler(executor);
    const importer = new DeliveryImporter(
      executor,
      { execute: (command) => batchHandler.execute(command) },
      () => new Date(),
      deliveryImportSettings(config),
    );
    const progress = rowsProgress(io, size);
    const started = performance.now();
    const correlationId = randomUUID();
    let report: DeliveryImportReport;
    try {
      report = await importer.import(() => createReadStream(file), {
        mode,
        encoding,
        metadata: { actor, correlationId, causationId: correlationId },
        onProgress: (update) => progress.update(update),
      });
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    io.stdout.write(values.json ? `${JSON.stringify({ ...report, seconds })}\n` : summary(report, seconds));
    return report.rejected.length > 0 ? EXIT.CHECK_FAILED : EXIT.OK;
  },
};

function authenticate(key: string | undefined, config: ReturnType<typeof loadAppConfig>): Actor {
  // Development runs with the development keys, so a first try needs no key at all.
  const presented = key ?? (config.production ? undefined : 'dev-sales');
  if (presented === undefined)
    throw new UsageError('Give --api-key <key> (or set QMS_API_KEY) of a user with role sales or planning.');
  const actor = new ApiKeyAuthenticator(config.apiKeys).authenticate(presented);
  if (actor === undefined) throw new UsageError('Unknown API key: use a key from API_KEYS_FILE.');
  const allowed = DELIVERY_COMMAND_ROLES.RecordDelivery;
  if (!allowed.includes(actor.role))
    throw new UsageError(`Role ${actor.role} may not record deliveries; allowed: ${allowed.join(', ')}.`);
  return actor;
}

interface RowsProgress {
  update(progress: DeliveryImportProgress): void;
  stop(): void;
}

const PLAIN_STEPS = 10;

/** Bytes of the file for the bar (the row count is unknown until the end), rows and rows/s beside it. */
function rowsProgress(io: CliIo, totalBytes: number): RowsProgress {
  let phase: DeliveryImportProgress['phase'] | undefined;
  let phaseStarted = 0;
  let lastStep = -1;
  const rate = (rows: number): number =>
    Math.round(rows / Math.max((performance.now() - phaseStarted) / 1000, 0.001));
  const bar = io.stderr.isTTY
    ? new SingleBar({
        stream: io.stderr as NodeJS.WritableStream,
        format: '{phase} [{bar}] {percentage}% | {rows} rows | {rate} rows/s',
        hideCursor: true,
      })
    : undefined;
  return {
    update(update) {
      if (update.phase !== phase) {
        bar?.stop();
        phase = update.phase;
        phaseStarted = performance.now();
        lastStep = -1;
        bar?.start(Math.max(totalBytes, 1), 0, { phase, rows: 0, rate: 0 });
      }
      const payload = { phase: update.phase, rows: update.rows, rate: rate(update.rows) };
      if (bar) {
        bar.update(Math.min(update.bytes, totalBytes), payload);
        return;
      }
      const step = totalBytes === 0 ? PLAIN_STEPS : Math.floor((update.bytes / totalBytes) * PLAIN_STEPS);
      if (step > lastStep) {
        lastStep = step;
        io.stderr.write(
          `${update.phase}: ${Math.min(step * 10, 100)}% | ${update.rows} rows | ${payload.rate} rows/s\n`,
        );
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

function summary(report: DeliveryImportReport, seconds: number): string {
  const speed = `${report.rows} rows in ${seconds.toFixed(1)} s, ${Math.round(report.rows / Math.max(seconds, 0.001))} rows/s`;
  const bad = report.rejected.map(({ line, errors }) => `  line ${line}: ${errors.join('; ')}\n`).join('');
  if (report.mode === 'validate') {
    const verdict = report.rejected.length === 0 ? 'The file is clean' : `${report.rejected.length} bad rows`;
    return `${verdict}: ${report.toImport ?? 0} would be imported, ${report.alreadyPresent} already present; nothing written (${speed}).\n${bad}`;
  }
  if (!report.committed) {
    return `Nothing imported: ${report.rejected.length} of ${report.rows} rows are bad. Fix these lines and run again (${speed}):\n${bad}`;
  }
  const rejected = report.rejected.length > 0 ? `, ${report.rejected.length} rejected:\n${bad}` : '.\n';
  return `Imported ${report.imported} deliveries, ${report.alreadyPresent} already present (${speed})${rejected}`;
}
