/**
 * Questions the tests ask of a synthesized template that `Template` cannot answer in one call:
 * which IAM actions a function may take on a resource, and which routes the REST API serves.
 */

import type { Template } from 'aws-cdk-lib/assertions';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function resources(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** Every action the function's role is allowed on `resourceLogicalId` (by ARN, Ref or a join of them). */
export function actionsOn(
  template: Template,
  functionLogicalId: string,
  resourceLogicalId: string,
): Set<string> {
  const all = resources(template);
  const role = JSON.stringify(all[functionLogicalId]?.Properties?.Role);
  const roleId = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(role)?.[1];
  if (roleId === undefined)
    throw new Error(`${functionLogicalId} has no role of this stack: ${role}`);
  const actions = new Set<string>();
  for (const resource of Object.values(all)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = JSON.stringify(resource.Properties?.Roles);
    if (!roles.includes(`"Ref":"${roleId}"`)) continue;
    const document = resource.Properties?.PolicyDocument as { Statement: Statement[] } | undefined;
    const statements = document?.Statement ?? [];
    for (const statement of statements) {
      if (
        statement.Effect !== 'Allow' ||
        !JSON.stringify(statement.Resource).includes(`"${resourceLogicalId}"`)
      )
        continue;
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return actions;
}

/** A route of the REST API and the function behind it. */
export interface Route {
  readonly route: string;
  readonly integrationType: unknown;
  readonly functionLogicalId: string | undefined;
}

/** `METHOD /path` of every method, with the function its integration invokes. */
export function routesOf(template: Template): Route[] {
  const all = resources(template);
  const pathOf = (resourceRef: unknown): string => {
    const id = (resourceRef as { Ref?: string }).Ref;
    if (id === undefined) return ''; // the root resource is a GetAtt of the API
    const resource = all[id]?.Properties as { ParentId: unknown; PathPart: string };
    return `${pathOf(resource.ParentId)}/${resource.PathPart}`;
  };
  const routes: Route[] = [];
  for (const resource of Object.values(all)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const p = resource.Properties as {
      HttpMethod: string;
      ResourceId: unknown;
      Integration: { Type: unknown; Uri: unknown };
    };
    const fn = /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(JSON.stringify(p.Integration.Uri))?.[1];
    routes.push({
      route: `${p.HttpMethod} ${pathOf(p.ResourceId)}`,
      integrationType: p.Integration.Type,
      functionLogicalId: fn,
    });
  }
  return routes.sort((a, b) => a.route.localeCompare(b.route));
}
