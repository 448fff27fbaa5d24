// A loopback AWS STS stand-in for AssumeRoleWithWebIdentity.
//
// Checks the request as STS does (Action, Version, RoleArn, RoleSessionName, WebIdentityToken,
// from a POST form or the query string) against the one role it knows and the token(s) it
// trusts (`webIdentityToken`: a string, or a predicate), and answers
// the XML credentials document with fresh temporary credentials; `onIssue(credentials)` lets the
// test hand them to the S3 stand-in, which then requires their session token.
import crypto from 'node:crypto';

import { listen, parseForm, parseQuery, sendXml, xmlEscape } from './cloud_common.mjs';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function stsError(res, status, code, message) {
  sendXml(
    res,
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${crypto.randomUUID()}</RequestId></ErrorResponse>`,
  );
}

export async function startStsServer({ roleArn, webIdentityToken, onIssue = () => {} }) {
  const requests = [];
  const issued = [];
  const http = await listen((req, res, body) => {
    const q = (req.url || '').indexOf('?');
    const params =
      req.method === 'POST'
        ? parseForm(body)
        : Object.fromEntries(parseQuery(q < 0 ? '' : req.url.slice(q + 1)));
    requests.push({ method: req.method, url: req.url, headers: { ...req.headers }, params });
    if (params.Action !== 'AssumeRoleWithWebIdentity') {
      return stsError(res, 400, 'InvalidAction', `Could not find operation ${params.Action}`);
    }
    if (params.Version !== '2011-06-15') {
      return stsError(res, 400, 'InvalidParameterValue', 'Unsupported version');
    }
    const session = params.RoleSessionName || '';
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
      return stsError(res, 400, 'ValidationError', 'RoleSessionName is missing or malformed');
    }
    const trusted =
      typeof webIdentityToken === 'function'
        ? webIdentityToken(params.WebIdentityToken)
        : params.WebIdentityToken === webIdentityToken;
    if (!trusted) {
      return stsError(res, 400, 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS.');
    }
    if (params.RoleArn !== roleArn) {
      return stsError(res, 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const credentials = {
      accessKeyId: `ASIA${crypto.randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: crypto.randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdz/${crypto.randomBytes(48).toString('base64')}`,
    };
    issued.push(credentials);
    onIssue(credentials);
    const expiration = new Date(Date.now() + 3600 * 1000).toISOString();
    sendXml(
      res,
      200,
      `<AssumeRoleWithWebIdentityResponse xmlns="${NS}"><AssumeRoleWithWebIdentityResult>` +
        `<SubjectFromWebIdentityToken>repo:kvonce/ci</SubjectFromWebIdentityToken>` +
        `<AssumedRoleUser><Arn>${xmlEscape(roleArn)}/${xmlEscape(session)}</Arn><AssumedRoleId>AROA:${xmlEscape(session)}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><SessionToken>${xmlEscape(credentials.sessionToken)}</SessionToken>` +
        `<SecretAccessKey>${xmlEscape(credentials.secretAccessKey)}</SecretAccessKey>` +
        `<Expiration>${expiration}</Expiration><AccessKeyId>${credentials.accessKeyId}</AccessKeyId></Credentials>` +
        `<Audience>sts.amazonaws.com</Audience></AssumeRoleWithWebIdentityResult>` +
        `<ResponseMetadata><RequestId>${crypto.randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
  });
  return { ...http, requests, issued };
}
