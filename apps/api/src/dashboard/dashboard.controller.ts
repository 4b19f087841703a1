import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { dashboardLabels } from './dashboard-labels';

/**
 * The page's own files: next to the compiled controller (`npm run build` copies them into dist/,
 * tsc itself copies TypeScript only), or in the source tree when the app runs from source.
 */
function pageDirectory(): string {
  const candidates = [join(__dirname, 'page'), join(__dirname, '..', '..', '..', '..', '..', 'apps', 'api', 'src', 'dashboard', 'page')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (found === undefined) throw new Error(`The dashboard page is missing (looked in ${candidates.join(' and ')}): build with npm run build, which copies it.`);
  return found;
}

/**
 * The page runs no inline script and talks to this API only; the charts come from the installed
 * ECharts package, never from a CDN (a meeting room may have no internet access). Inline styles
 * stay allowed: ECharts positions its tooltips with them.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "form-action 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
}

function asset(body: Buffer | string, type: string, cacheControl = 'no-cache'): Asset {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: bytes, type, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`, cacheControl };
}

/**
 * The monthly report page (GET /dashboard) a manager opens on the meeting-room screen: static
 * files and the labels; the data comes from the read APIs, with the user's own API key.
 */
@ApiTags('reports')
@Public()
@Controller('dashboard')
export class DashboardController {
  private readonly assets: Readonly<Record<'page' | 'script' | 'style' | 'charts' | 'labels', Asset>>;

  constructor() {
    const directory = pageDirectory();
    this.assets = {
      page: asset(readFileSync(join(directory, 'index.html')), 'text/html; charset=utf-8'),
      script: asset(readFileSync(join(directory, 'dashboard.js')), 'text/javascript; charset=utf-8'),
      style: asset(readFileSync(join(directory, 'dashboard.css')), 'text/css; charset=utf-8'),
      charts: asset(readFileSync(require.resolve('echarts/dist/echarts.min.js')), 'text/javascript; charset=utf-8', 'public, max-age=86400'),
      labels: asset(JSON.stringify(dashboardLabels()), 'application/json; charset=utf-8'),
    };
  }

  @Get()
  @ApiOperation({
    summary: 'The monthly report page for the meeting-room screen (HTML; asks for the API key and reads the read APIs with it)',
    description: 'KPI tiles against target, twelve-month PPM and on-time-delivery trends, age of open 8Ds, complaint Paretos; ?month=YYYY-MM&lang=zh-CN|en&customer=',
  })
  @ApiProduces('text/html')
  page(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    void reply.header('Content-Security-Policy', DASHBOARD_CSP);
    void reply.header('X-Content-Type-Options', 'nosniff');
    void reply.header('Referrer-Policy', 'no-referrer');
    return this.send(reply, this.assets.page, ifNoneMatch);
  }

  @Get('dashboard.js')
  @ApiExcludeEndpoint()
  script(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, this.assets.script, ifNoneMatch);
  }

  @Get('dashboard.css')
  @ApiExcludeEndpoint()
  style(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, this.assets.style, ifNoneMatch);
  }

  @Get('echarts.min.js')
  @ApiExcludeEndpoint()
  charts(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, this.assets.charts, ifNoneMatch);
  }

  @Get('labels.json')
  @ApiExcludeEndpoint()
  labels(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    return this.send(reply, this.assets.labels, ifNoneMatch);
  }

  private async send(reply: FastifyReply, file: Asset, ifNoneMatch: string | undefined): Promise<void> {
    void reply.header('ETag', file.etag);
    void reply.header('Cache-Control', file.cacheControl);
    if (ifNoneMatch === file.etag) {
      await reply.status(304).send();
      return;
    }
    void reply.header('X-Content-Type-Options', 'nosniff');
    await reply.type(file.type).send(file.body);
  }
}
