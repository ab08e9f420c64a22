import { describe, expect, it } from 'vitest';
import { md5Hex, md5OfMessageAttributes } from '../../../../../infra/local/services/sqs/md5.ts';

describe('md5OfMessageAttributes', () => {
  // The two vectors of Amazon's published samples (string and binary attributes).
  it('matches the sample with two string attributes, whatever their order', () => {
    const digest = md5OfMessageAttributes({
      test_attribute_name_2: { DataType: 'String', StringValue: 'test_attribute_value_2' },
      test_attribute_name_1: { DataType: 'String', StringValue: 'test_attribute_value_1' },
    });
    expect(digest).toBe('d53f3b558fe951154770f25cb63dbba9');
  });

  it('matches the sample with a binary attribute', () => {
    const digest = md5OfMessageAttributes({
      test_attribute_name: {
        DataType: 'Binary',
        BinaryValue: Buffer.from('test_attribute_value').toString('base64'),
      },
    });
    expect(digest).toBe('23f6bd27ea87aab7dfeadcc9aebee495');
  });

  it('is undefined without attributes', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('md5Hex', () => {
  it('hashes UTF-8 bytes', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('hello')).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});
