import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WebhookApiProps {
  /** The webhook function (payload format 2.0). */
  readonly handler: lambda.IFunction;
  /** Steady-state requests per second across the API. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
  readonly logRetention: logs.RetentionDays;
}

/** The path the CRM posts to (every method reaches the function, which answers 405 to non-POSTs). */
export const WEBHOOK_PATH = '/webhook';

/**
 * An API Gateway HTTP API in front of the webhook function: one route `ANY /webhook`, a `$default` stage
 * with throttling and JSON access logs. Requests are authenticated by the function (Standard Webhooks
 * signature on the raw body), so the route has no API Gateway authorizer.
 *
 * @example
 * const api = new WebhookApi(this, 'Webhook', { handler: fn, rateLimit: 50, burstLimit: 100, logRetention });
 * api.url; // https://abc.execute-api.eu-west-1.amazonaws.com/webhook
 */
export class WebhookApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The URL to configure in the CRM. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      description: 'crm-sync webhook: signed CloudEvents from the CRM onto the event queue',
      createDefaultStage: false,
    });
    const route = this.httpApi.addRoutes({
      path: WEBHOOK_PATH,
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('Webhook', props.handler),
    });
    for (const r of route) {
      Validations.of(r).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The CRM authenticates with a Standard Webhooks HMAC signature on the raw body, verified by the function ' +
          '(401 otherwise); an API Gateway authorizer cannot check a body signature.',
      });
    }
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    this.url = `${this.stage.url.replace(/\/$/, '')}${WEBHOOK_PATH}`;
  }
}
