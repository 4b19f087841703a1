import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** The monthly report page for the meeting-room screen (static files; data from the read APIs). */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
