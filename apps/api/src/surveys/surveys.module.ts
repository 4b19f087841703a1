import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SURVEY_POLICY, surveyPolicyFrom } from '../config/survey-policy';
import { SurveyStepHandler } from './survey.handlers';
import { SurveysController } from './surveys.controller';

@Module({
  controllers: [SurveysController],
  providers: [
    {
      provide: SURVEY_POLICY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => surveyPolicyFrom(config),
    },
    SurveyStepHandler,
  ],
  exports: [SURVEY_POLICY],
})
export class SurveysModule {}
